/* xml_reset.h - the <reset_analysis> element of a connection in the XML
 * report: the facts about each RST (rst_origin.h) and the decision about who
 * sent it, described by rdptriage.xsd (resetAnalysisType). Called by xml.c
 * before <timeline>. */
#ifndef RDPT_XML_RESET_H
#define RDPT_XML_RESET_H

#include "connection.h"

#include "xml_tree.h"

#include <stdbool.h>

/* Adds <reset_analysis> under conn when the connection has a RST. Returns
 * false when a node could not be allocated (the report is then failed). */
bool xml_reset_analysis(xt_ptr conn, const connection *c);

#endif
