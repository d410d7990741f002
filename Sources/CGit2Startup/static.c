/*
 * Only when libgit2 is linked statically (Package.swift: DYNIX_LIBGIT2_DEBIAN_STATIC, Debian's libgit2.a).
 *
 * dynix only reads and writes a local bare repository. Debian's libgit2 references libssh2 (SSH
 * transport) and GSSAPI (SPNEGO for HTTP), which would pull in OpenSSL's libcrypto and Kerberos;
 * these definitions stand in for them and fail, so an SSH or Negotiate connection (never made)
 * fails with an error instead. The linker's --wrap sends libgit2's mbedTLS set-up here: no entropy
 * gathering and no CA bundle parse at git_libgit2_init(), and a TLS stream fails closed.
 */
#ifdef DYNIX_LIBGIT2_DEBIAN_STATIC
#include <git2.h>

int __wrap_git_mbedtls_stream_global_init(void) { return 0; }

static int no_tls(void **out) {
    *out = 0;
    git_error_set_str(GIT_ERROR_SSL, "dynix is built without TLS");
    return -1;
}
int __wrap_git_mbedtls_stream_new(void **out, const char *host, const char *port) {
    (void)host; (void)port;
    return no_tls(out);
}
int __wrap_git_mbedtls_stream_wrap(void **out, void *in, const char *host) {
    (void)in; (void)host;
    return no_tls(out);
}

/* libssh2: init/exit succeed (git_libgit2_init calls them); everything else fails. */
int libssh2_init(int flags) { (void)flags; return 0; }
void libssh2_exit(void) {}
#define FAIL(name) int name(void) { return -1; }
FAIL(libssh2_agent_connect) FAIL(libssh2_agent_disconnect) FAIL(libssh2_agent_free)
FAIL(libssh2_agent_get_identity) FAIL(libssh2_agent_init) FAIL(libssh2_agent_list_identities)
FAIL(libssh2_agent_userauth) FAIL(libssh2_channel_close) FAIL(libssh2_channel_free)
FAIL(libssh2_channel_open_ex) FAIL(libssh2_channel_process_startup) FAIL(libssh2_channel_read_ex)
FAIL(libssh2_channel_set_blocking) FAIL(libssh2_channel_write_ex) FAIL(libssh2_hostkey_hash)
FAIL(libssh2_knownhost_checkp) FAIL(libssh2_knownhost_free) FAIL(libssh2_knownhost_init)
FAIL(libssh2_knownhost_readfile) FAIL(libssh2_session_abstract) FAIL(libssh2_session_disconnect_ex)
FAIL(libssh2_session_free) FAIL(libssh2_session_handshake) FAIL(libssh2_session_hostkey)
FAIL(libssh2_session_last_error) FAIL(libssh2_session_method_pref) FAIL(libssh2_session_set_blocking)
FAIL(libssh2_userauth_authenticated) FAIL(libssh2_userauth_keyboard_interactive_ex)
FAIL(libssh2_userauth_list) FAIL(libssh2_userauth_password_ex) FAIL(libssh2_userauth_publickey)
FAIL(libssh2_userauth_publickey_fromfile_ex) FAIL(libssh2_userauth_publickey_frommemory)
void *libssh2_session_init_ex(void *a, void *f, void *r, void *abstract) {
    (void)a; (void)f; (void)r; (void)abstract;
    return 0; /* libgit2 reports "failed to initialize SSH session" */
}

/* GSSAPI: every call returns GSS_S_FAILURE. */
void *GSS_C_NT_HOSTBASED_SERVICE = 0;
#define GSS_FAIL(name) unsigned name(void) { return 0xd0000u; }
GSS_FAIL(gss_delete_sec_context) GSS_FAIL(gss_display_status) GSS_FAIL(gss_import_name)
GSS_FAIL(gss_indicate_mechs) GSS_FAIL(gss_init_sec_context) GSS_FAIL(gss_release_buffer)
GSS_FAIL(gss_release_name) GSS_FAIL(gss_release_oid_set)
#endif
