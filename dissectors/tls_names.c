/* tls_names.c - tables of TLS constants (see tls_names.h). Each table names
 * its reference; cipher suites carry theirs per entry. The suite table was
 * generated from `openssl ciphers -V -stdname ALL:COMPLEMENTOFALL` (OpenSSL
 * 3.0) plus the legacy suites and signalling values OpenSSL no longer lists,
 * checked against the IANA "TLS Cipher Suites" registry. */
#include "tls_names.h"

#include <stdio.h>
#include <string.h>

/* IANA TLS Cipher Suites registry, sorted by code (binary search). */
static const tls_suite_info suites[] = {
    { 0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5", TLS_KX_RSA, "RFC 5246" },
    { 0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA", TLS_KX_RSA, "RFC 5246" },
    { 0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", "EXP-RC4-MD5", TLS_KX_RSA, "RFC 4346" },
    { 0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5", TLS_KX_RSA, "RFC 5246" },
    { 0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", TLS_KX_RSA, "RFC 5246" },
    { 0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", TLS_KX_RSA, "RFC 4346" },
    { 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", TLS_KX_RSA, "RFC 5246" },
    { 0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "DHE-DSS-DES-CBC3-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", "EDH-RSA-DES-CBC-SHA", TLS_KX_DHE, "RFC 4346" },
    { 0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x002C, "TLS_PSK_WITH_NULL_SHA", "PSK-NULL-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", "DHE-PSK-NULL-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", "RSA-PSK-NULL-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", TLS_KX_RSA, "RFC 5246" },
    { 0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", TLS_KX_RSA, "RFC 5246" },
    { 0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA", TLS_KX_DHE, "RFC 5246" },
    { 0x003B, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256", TLS_KX_RSA, "RFC 5246" },
    { 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", TLS_KX_RSA, "RFC 5246" },
    { 0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", TLS_KX_RSA, "RFC 5246" },
    { 0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA", TLS_KX_RSA, "RFC 5932" },
    { 0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ADH-CAMELLIA128-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256", TLS_KX_DHE, "RFC 5246" },
    { 0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA", TLS_KX_RSA, "RFC 5932" },
    { 0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ADH-CAMELLIA256-SHA", TLS_KX_DHE, "RFC 5932" },
    { 0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA", TLS_KX_OTHER, "RFC 4279" },
    { 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", TLS_KX_RSA, "RFC 5288" },
    { 0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", TLS_KX_RSA, "RFC 5288" },
    { 0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", TLS_KX_DHE, "RFC 5288" },
    { 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", TLS_KX_DHE, "RFC 5288" },
    { 0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256", TLS_KX_DHE, "RFC 5288" },
    { 0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384", TLS_KX_DHE, "RFC 5288" },
    { 0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256", TLS_KX_DHE, "RFC 5288" },
    { 0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384", TLS_KX_DHE, "RFC 5288" },
    { 0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B0, "TLS_PSK_WITH_NULL_SHA256", "PSK-NULL-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B1, "TLS_PSK_WITH_NULL_SHA384", "PSK-NULL-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", "DHE-PSK-NULL-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", "DHE-PSK-NULL-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", "RSA-PSK-NULL-SHA256", TLS_KX_OTHER, "RFC 5487" },
    { 0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", "RSA-PSK-NULL-SHA384", TLS_KX_OTHER, "RFC 5487" },
    { 0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256", TLS_KX_RSA, "RFC 5932" },
    { 0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "ADH-CAMELLIA128-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256", TLS_KX_RSA, "RFC 5932" },
    { 0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "ADH-CAMELLIA256-SHA256", TLS_KX_DHE, "RFC 5932" },
    { 0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", NULL, TLS_KX_NONE, "RFC 5746" },
    { 0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", TLS_KX_TLS13, "RFC 8446" },
    { 0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", TLS_KX_TLS13, "RFC 8446" },
    { 0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", TLS_KX_TLS13, "RFC 8446" },
    { 0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", TLS_KX_TLS13, "RFC 8446" },
    { 0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", TLS_KX_TLS13, "RFC 8446" },
    { 0x5600, "TLS_FALLBACK_SCSV", NULL, TLS_KX_NONE, "RFC 7507" },
    { 0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", "AECDH-NULL-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA", TLS_KX_ECDHE, "RFC 8422" },
    { 0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA", TLS_KX_OTHER, "RFC 5054" },
    { 0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", TLS_KX_ECDHE, "RFC 5289" },
    { 0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA", TLS_KX_OTHER, "RFC 5489" },
    { 0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA", TLS_KX_OTHER, "RFC 5489" },
    { 0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256", TLS_KX_OTHER, "RFC 5489" },
    { 0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384", TLS_KX_OTHER, "RFC 5489" },
    { 0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", "ECDHE-PSK-NULL-SHA", TLS_KX_OTHER, "RFC 5489" },
    { 0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", "ECDHE-PSK-NULL-SHA256", TLS_KX_OTHER, "RFC 5489" },
    { 0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", "ECDHE-PSK-NULL-SHA384", TLS_KX_OTHER, "RFC 5489" },
    { 0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256", TLS_KX_RSA, "RFC 6209" },
    { 0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384", TLS_KX_RSA, "RFC 6209" },
    { 0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256", TLS_KX_DHE, "RFC 6209" },
    { 0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384", TLS_KX_DHE, "RFC 6209" },
    { 0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256", TLS_KX_DHE, "RFC 6209" },
    { 0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384", TLS_KX_DHE, "RFC 6209" },
    { 0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256", TLS_KX_ECDHE, "RFC 6209" },
    { 0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384", TLS_KX_ECDHE, "RFC 6209" },
    { 0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256", TLS_KX_ECDHE, "RFC 6209" },
    { 0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384", TLS_KX_ECDHE, "RFC 6209" },
    { 0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "PSK-ARIA128-GCM-SHA256", TLS_KX_OTHER, "RFC 6209" },
    { 0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", "PSK-ARIA256-GCM-SHA384", TLS_KX_OTHER, "RFC 6209" },
    { 0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", "DHE-PSK-ARIA128-GCM-SHA256", TLS_KX_OTHER, "RFC 6209" },
    { 0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", "DHE-PSK-ARIA256-GCM-SHA384", TLS_KX_OTHER, "RFC 6209" },
    { 0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", "RSA-PSK-ARIA128-GCM-SHA256", TLS_KX_OTHER, "RFC 6209" },
    { 0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", "RSA-PSK-ARIA256-GCM-SHA384", TLS_KX_OTHER, "RFC 6209" },
    { 0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256", TLS_KX_ECDHE, "RFC 6367" },
    { 0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384", TLS_KX_ECDHE, "RFC 6367" },
    { 0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256", TLS_KX_ECDHE, "RFC 6367" },
    { 0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384", TLS_KX_ECDHE, "RFC 6367" },
    { 0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", "PSK-CAMELLIA128-SHA256", TLS_KX_OTHER, "RFC 6367" },
    { 0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", "PSK-CAMELLIA256-SHA384", TLS_KX_OTHER, "RFC 6367" },
    { 0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "DHE-PSK-CAMELLIA128-SHA256", TLS_KX_OTHER, "RFC 6367" },
    { 0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "DHE-PSK-CAMELLIA256-SHA384", TLS_KX_OTHER, "RFC 6367" },
    { 0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", "RSA-PSK-CAMELLIA128-SHA256", TLS_KX_OTHER, "RFC 6367" },
    { 0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", "RSA-PSK-CAMELLIA256-SHA384", TLS_KX_OTHER, "RFC 6367" },
    { 0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-PSK-CAMELLIA128-SHA256", TLS_KX_OTHER, "RFC 6367" },
    { 0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-PSK-CAMELLIA256-SHA384", TLS_KX_OTHER, "RFC 6367" },
    { 0xC09C, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM", TLS_KX_RSA, "RFC 6655" },
    { 0xC09D, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM", TLS_KX_RSA, "RFC 6655" },
    { 0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM", TLS_KX_DHE, "RFC 6655" },
    { 0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM", TLS_KX_DHE, "RFC 6655" },
    { 0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8", TLS_KX_RSA, "RFC 6655" },
    { 0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8", TLS_KX_RSA, "RFC 6655" },
    { 0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8", TLS_KX_DHE, "RFC 6655" },
    { 0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8", TLS_KX_DHE, "RFC 6655" },
    { 0xC0A4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0A5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8", TLS_KX_OTHER, "RFC 6655" },
    { 0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM", TLS_KX_ECDHE, "RFC 7251" },
    { 0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM", TLS_KX_ECDHE, "RFC 7251" },
    { 0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8", TLS_KX_ECDHE, "RFC 7251" },
    { 0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8", TLS_KX_ECDHE, "RFC 7251" },
    { 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", TLS_KX_ECDHE, "RFC 7905" },
    { 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", TLS_KX_ECDHE, "RFC 7905" },
    { 0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", TLS_KX_DHE, "RFC 7905" },
    { 0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305", TLS_KX_OTHER, "RFC 7905" },
    { 0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305", TLS_KX_OTHER, "RFC 7905" },
    { 0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305", TLS_KX_OTHER, "RFC 7905" },
    { 0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305", TLS_KX_OTHER, "RFC 7905" },
};

const tls_suite_info *tls_suite_lookup(uint16_t code)
{
    size_t lo = 0, hi = sizeof suites / sizeof suites[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (suites[mid].code == code)
            return &suites[mid];
        if (suites[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *tls_suite_name(uint16_t code)
{
    const tls_suite_info *s = tls_suite_lookup(code);
    return s ? s->iana : NULL;
}

void tls_suite_str(uint16_t code, char *buf, size_t buflen)
{
    const tls_suite_info *s = tls_suite_lookup(code);
    if (!s)
        snprintf(buf, buflen, "0x%04X", code);
    else if (s->openssl && strcmp(s->openssl, s->iana) != 0)
        snprintf(buf, buflen, "%s (%s)", s->iana, s->openssl);
    else
        snprintf(buf, buflen, "%s", s->iana);
}

const char *tls_kx_name(tls_kx kx)
{
    switch (kx) {
    case TLS_KX_RSA: return "RSA";
    case TLS_KX_DHE: return "DHE";
    case TLS_KX_ECDHE: return "ECDHE";
    case TLS_KX_TLS13: return "(EC)DHE (TLS 1.3)";
    case TLS_KX_OTHER: return "other";
    case TLS_KX_NONE: return "none";
    default: return "unknown";
    }
}

typedef struct {
    uint16_t code;
    const char *name;
} code_name;

static const char *find(const code_name *t, size_t n, uint16_t code)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].name;
    return NULL;
}
#define FIND(table, code) find(table, sizeof table / sizeof table[0], code)

/* RFC 6101 (SSL 3.0), RFC 2246/4346/5246/8446 (TLS 1.0-1.3). */
static const code_name versions[] = {
    { 0x0002, "SSL 2.0" }, { 0x0300, "SSL 3.0" }, { 0x0301, "TLS 1.0" },
    { 0x0302, "TLS 1.1" }, { 0x0303, "TLS 1.2" }, { 0x0304, "TLS 1.3" },
};

const char *tls_version_name(uint16_t version) { return FIND(versions, version); }

void tls_version_str(uint16_t version, char *buf, size_t buflen)
{
    const char *n = tls_version_name(version);
    if (n)
        snprintf(buf, buflen, "%s", n);
    else if (tls_is_grease(version))
        snprintf(buf, buflen, "GREASE 0x%04X", version);
    else
        snprintf(buf, buflen, "0x%04X", version);
}

/* RFC 5246 7.2, RFC 8446 6, RFC 7301 3.2 (no_application_protocol). */
static const code_name alerts[] = {
    { 0, "close_notify" }, { 10, "unexpected_message" }, { 20, "bad_record_mac" },
    { 21, "decryption_failed" }, { 22, "record_overflow" }, { 30, "decompression_failure" },
    { 40, "handshake_failure" }, { 41, "no_certificate" }, { 42, "bad_certificate" },
    { 43, "unsupported_certificate" }, { 44, "certificate_revoked" },
    { 45, "certificate_expired" }, { 46, "certificate_unknown" }, { 47, "illegal_parameter" },
    { 48, "unknown_ca" }, { 49, "access_denied" }, { 50, "decode_error" },
    { 51, "decrypt_error" }, { 60, "export_restriction" }, { 70, "protocol_version" },
    { 71, "insufficient_security" }, { 80, "internal_error" }, { 86, "inappropriate_fallback" },
    { 90, "user_canceled" }, { 100, "no_renegotiation" }, { 109, "missing_extension" },
    { 110, "unsupported_extension" }, { 111, "certificate_unobtainable" },
    { 112, "unrecognized_name" }, { 113, "bad_certificate_status_response" },
    { 114, "bad_certificate_hash_value" }, { 115, "unknown_psk_identity" },
    { 116, "certificate_required" }, { 120, "no_application_protocol" },
};

const char *tls_alert_name(uint8_t description) { return FIND(alerts, description); }

/* IANA TLS ExtensionType Values (RFC 6066, 7301, 7627, 5746, 5077, 8446, 8422 ...). */
static const code_name extensions[] = {
    { 0, "server_name" }, { 1, "max_fragment_length" }, { 5, "status_request" },
    { 10, "supported_groups" }, { 11, "ec_point_formats" }, { 13, "signature_algorithms" },
    { 14, "use_srtp" }, { 15, "heartbeat" }, { 16, "application_layer_protocol_negotiation" },
    { 17, "status_request_v2" }, { 18, "signed_certificate_timestamp" },
    { 19, "client_certificate_type" }, { 20, "server_certificate_type" }, { 21, "padding" },
    { 22, "encrypt_then_mac" }, { 23, "extended_master_secret" }, { 27, "compress_certificate" },
    { 28, "record_size_limit" }, { 35, "session_ticket" }, { 41, "pre_shared_key" },
    { 42, "early_data" }, { 43, "supported_versions" }, { 44, "cookie" },
    { 45, "psk_key_exchange_modes" }, { 47, "certificate_authorities" },
    { 48, "oid_filters" }, { 49, "post_handshake_auth" }, { 50, "signature_algorithms_cert" },
    { 51, "key_share" }, { 57, "quic_transport_parameters" }, { 13172, "next_protocol_negotiation" },
    { 17513, "application_settings" }, { 65037, "encrypted_client_hello" },
    { 65281, "renegotiation_info" },
};

const char *tls_extension_name(uint16_t type) { return FIND(extensions, type); }

/* IANA TLS Supported Groups (RFC 8422 5.1.1, RFC 7919, RFC 8446 4.2.7). */
static const code_name groups[] = {
    { 1, "sect163k1" }, { 14, "sect571r1" }, { 19, "secp192r1" }, { 21, "secp224r1" },
    { 22, "secp256k1" }, { 23, "secp256r1" }, { 24, "secp384r1" }, { 25, "secp521r1" },
    { 26, "brainpoolP256r1" }, { 27, "brainpoolP384r1" }, { 28, "brainpoolP512r1" },
    { 29, "x25519" }, { 30, "x448" }, { 256, "ffdhe2048" }, { 257, "ffdhe3072" },
    { 258, "ffdhe4096" }, { 259, "ffdhe6144" }, { 260, "ffdhe8192" },
    { 4587, "SecP256r1MLKEM768" }, { 4588, "X25519MLKEM768" }, { 25497, "X25519Kyber768Draft00" },
};

const char *tls_group_name(uint16_t group) { return FIND(groups, group); }

/* RFC 8446 4.2.3 SignatureScheme; RFC 5246 7.4.1.4.1 pairs for TLS 1.2. */
static const code_name sigalgs[] = {
    { 0x0201, "rsa_pkcs1_sha1" }, { 0x0203, "ecdsa_sha1" }, { 0x0202, "dsa_sha1" },
    { 0x0301, "rsa_pkcs1_sha224" }, { 0x0303, "ecdsa_sha224" }, { 0x0302, "dsa_sha224" },
    { 0x0401, "rsa_pkcs1_sha256" }, { 0x0403, "ecdsa_secp256r1_sha256" }, { 0x0402, "dsa_sha256" },
    { 0x0501, "rsa_pkcs1_sha384" }, { 0x0503, "ecdsa_secp384r1_sha384" }, { 0x0502, "dsa_sha384" },
    { 0x0601, "rsa_pkcs1_sha512" }, { 0x0603, "ecdsa_secp521r1_sha512" }, { 0x0602, "dsa_sha512" },
    { 0x0804, "rsa_pss_rsae_sha256" }, { 0x0805, "rsa_pss_rsae_sha384" },
    { 0x0806, "rsa_pss_rsae_sha512" }, { 0x0807, "ed25519" }, { 0x0808, "ed448" },
    { 0x0809, "rsa_pss_pss_sha256" }, { 0x080A, "rsa_pss_pss_sha384" },
    { 0x080B, "rsa_pss_pss_sha512" }, { 0x081A, "ecdsa_brainpoolP256r1tls13_sha256" },
    { 0x081B, "ecdsa_brainpoolP384r1tls13_sha384" }, { 0x081C, "ecdsa_brainpoolP512r1tls13_sha512" },
};

const char *tls_sigalg_name(uint16_t scheme) { return FIND(sigalgs, scheme); }

/* RFC 5246 7.4, RFC 8446 4 HandshakeType. */
static const code_name handshakes[] = {
    { 0, "HelloRequest" }, { 1, "ClientHello" }, { 2, "ServerHello" }, { 4, "NewSessionTicket" },
    { 5, "EndOfEarlyData" }, { 8, "EncryptedExtensions" }, { 11, "Certificate" },
    { 12, "ServerKeyExchange" }, { 13, "CertificateRequest" }, { 14, "ServerHelloDone" },
    { 15, "CertificateVerify" }, { 16, "ClientKeyExchange" }, { 20, "Finished" },
    { 22, "CertificateStatus" }, { 24, "KeyUpdate" }, { 254, "MessageHash" },
};

const char *tls_handshake_name(uint8_t type) { return FIND(handshakes, type); }

bool tls_is_grease(uint16_t v)
{
    /* RFC 8701 2: both bytes equal, low nibble 0xA. */
    return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}
