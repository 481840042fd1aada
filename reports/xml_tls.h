/* xml_tls.h - the <tls> element of a connection in the XML report: what
 * the TLS handshake showed (tls_facts.h), described by rdptriage.xsd
 * (tlsType). Called by xml.c after <after_negotiation>. */
#ifndef RDPT_XML_TLS_H
#define RDPT_XML_TLS_H

#include "connection.h"

#include <libxml/tree.h>

#include <stdbool.h>

/* Adds <tls> under conn when the connection has TLS facts. Returns false
 * when libxml2 could not allocate a node (the report is then failed). */
bool xml_tls(xmlNodePtr conn, const connection *c);

#endif
