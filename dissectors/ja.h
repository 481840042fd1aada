/* ja.h - TLS fingerprints of the two ends of a handshake, as threat-intel
 * and monitoring tools print them:
 *   JA3  (client) and JA3S (server): Salesforce's JA3, the MD5 of
 *        "version,ciphers,extensions,groups,point_formats" (JA3S:
 *        "version,cipher,extensions") in decimal, GREASE (RFC 8701) left out;
 *   JA4  (client) and JA4S (server): FoxIO's JA4+ (technical_details/JA4.md,
 *        JA4S.md): a readable prefix and truncated SHA-256 hashes.
 * Hashes come from OpenSSL's EVP interface. Output buffers are fixed size;
 * every function always NUL-terminates.
 */
#ifndef RDPT_JA_H
#define RDPT_JA_H

#include "tls.h"

#include <stddef.h>

#define JA_MD5_HEX 33       /* 32 hex digits + NUL */
#define JA4_TEXT 40         /* "t13d1516h2_8daaf6152771_b186095e22b6" + NUL */
#define JA4S_TEXT 32        /* "t130200_1301_234ea6891581" + NUL */

/* The JA3 string into str (may be NULL) and its MD5 in hex. */
void ja_ja3(const tls_client_hello *ch, char *str, size_t strlen_max, char md5_hex[JA_MD5_HEX]);
void ja_ja3s(const tls_server_hello *sh, char *str, size_t strlen_max, char md5_hex[JA_MD5_HEX]);
/* JA4 of a ClientHello over TCP ("t" prefix). */
void ja_ja4(const tls_client_hello *ch, char out[JA4_TEXT]);
void ja_ja4s(const tls_server_hello *sh, char out[JA4S_TEXT]);

#endif
