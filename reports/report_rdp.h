/* report_rdp.h - the Standard RDP Security facts (MCS/GCC, security
 * exchange, licensing, activation; analyzer/rdp_facts.h) in the reports:
 * the <mcs> element of the XML report (xml_rdp.c, rdptriage.xsd mcsType,
 * called by xml.c after <tls>) and a section of the HTML report
 * (html_rdp.c, called by html.c after the TLS section). */
#ifndef RDPT_REPORT_RDP_H
#define RDPT_REPORT_RDP_H

#include "connection.h"

#include "xml_tree.h"

#include <libxml/tree.h>

#include <stdbool.h>

/* Adds <mcs> under conn when MCS was seen in the clear. False when a node
 * could not be allocated (the report is then failed). */
bool xml_rdp(xt_ptr conn, const connection *c);
/* Appends a table of the MCS/GCC facts to sec when MCS was seen. */
bool html_rdp(xmlDocPtr doc, xmlNodePtr sec, const connection *c);

#endif
