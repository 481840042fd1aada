/* html_reset.h - the "Who reset the connection" block of a connection's
 * section in the HTML report: the decision about a RST (rules_reset.c) and
 * the facts behind it, in words. Called by html.c after the TCP table. */
#ifndef RDPT_HTML_RESET_H
#define RDPT_HTML_RESET_H

#include "connection.h"

#include <libxml/tree.h>

#include <stdbool.h>

/* Adds the block under sec when a RST was examined. Returns false when
 * libxml2 could not allocate a node (the report is then failed). */
bool html_reset_analysis(xmlNodePtr sec, const connection *c);

#endif
