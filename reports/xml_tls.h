/* xml_tls.h - the <tls> element of a connection in the XML report: what
 * the TLS handshake showed (tls_facts.h), described by rdptriage.xsd
 * (tlsType). Called by xml.c after <after_negotiation>. */
#ifndef RDPT_XML_TLS_H
#define RDPT_XML_TLS_H

#include "connection.h"

#include "xml_tree.h"

#include <stdbool.h>

/* Adds <tls> under conn when the connection has TLS facts. Returns false
 * when a node could not be allocated (the report is then failed). */
bool xml_tls(xt_ptr conn, const connection *c);

#endif
