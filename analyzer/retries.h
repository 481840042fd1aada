/* retries.h - explaining a chain of retries: connections from one client to
 * one server that follow a failed one within seconds (linked by
 * analysis.c's link_retries into connection.retry_of). mstsc and FreeRDP
 * retry with other security protocols after some failures (rdesktop #97,
 * FreeRDP #2996); this says so in both connections' summaries, e.g. "SSL
 * refused, retried with Standard RDP Security and succeeded".
 */
#ifndef RDPT_RETRIES_H
#define RDPT_RETRIES_H

#include "connection.h"

/* Appends the explanation to the summaries of every connection of the list
 * (order_next) that has retries or is one. Call after the verdicts are final. */
void retries_explain(connection *first);

#endif
