/*
 * dynix never talks to a network: libgit2 only reads and writes a local bare repository.
 * Debian's libgit2 is built with mbedTLS, and its git_libgit2_init() parses the whole system
 * CA bundle (/etc/ssl/certs/ca-certificates.crt) before returning, on every command: most of the
 * instructions of `dynix log -n 20` (BENCHMARKS.md, "What was found and done"). The executable's own definition of the function interposes the library's (the
 * dynamic linker searches the executable first), so no certificate is ever parsed; a TLS
 * connection, which dynix never makes, would then have no trusted roots and fail closed.
 * A libgit2 without mbedTLS (OpenSSL, or none: the archive package.nix builds) never calls it.
 */
#include "CGit2Startup.h"

#ifndef DYNIX_LIBGIT2_DEBIAN_STATIC /* linked statically, the library's own definition is in the binary: see static.c */
int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}
#endif

int dynix_git2_startup_linked(void) { return 1; }
