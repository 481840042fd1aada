/* xml_decrypt.h - the <decryption> element of a connection in the XML
 * report: whether its TLS could be decrypted (and with what, or why not),
 * and what the plaintext showed: the CredSSP exchange with the server's
 * errorCode (named), the Early User Authorization Result, decrypted alerts
 * (decrypt_facts.h; rdptriage.xsd decryptionType). Called by xml.c after <tls>. */
#ifndef RDPT_XML_DECRYPT_H
#define RDPT_XML_DECRYPT_H

#include "connection.h"

#include "xml_tree.h"

#include <stdbool.h>

/* Adds <decryption> under conn when decryption was attempted. Returns false
 * when a node could not be allocated (the report is then failed). */
bool xml_decrypt(xt_ptr conn, const connection *c);

#endif
