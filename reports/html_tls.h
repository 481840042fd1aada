/* html_tls.h - the TLS section of a connection in the HTML report: versions
 * and cipher suites offered against chosen, side by side with their
 * intersection, the server's certificate, alerts, and the JA3/JA4
 * fingerprints. Built as libxml2 nodes (escaped by construction). */
#ifndef RDPT_HTML_TLS_H
#define RDPT_HTML_TLS_H

#include "connection.h"

#include <libxml/tree.h>

#include <stdbool.h>

/* Appends the section to sec when the connection has TLS facts. Returns
 * false when a node could not be allocated. */
bool html_tls(xmlDocPtr doc, xmlNodePtr sec, const connection *c);

#endif
