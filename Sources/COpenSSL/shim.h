/*
 * COpenSSL: the message digests of OpenSSL's libcrypto (libssl-dev), for the SHA-256 of the data
 * file every report names (Reports/ReportProvenance.swift). Nothing else of OpenSSL is used.
 */
#ifndef ALLIANCE_COPENSSL_SHIM_H
#define ALLIANCE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#endif
