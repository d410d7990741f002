/*
 * Why: libgit2 (1.5, as Debian ships it, and 1.9.1, as nixpkgs builds it) never returns on a truncated
 * loose object. Its zstream treats zlib's Z_BUF_ERROR as "retry with a larger buffer", so when the
 * input ends before the stream does, inflate() makes no progress and is called again, forever: every
 * dynix command on a history with one torn object spun until the watchdog ended it 120 s later
 * (libgit2/libgit2#7342, fixed upstream by #7346, after 1.9.1).
 *
 * What: zlib's inflate() with one more rule. A stream that has had no input left, and has made no
 * progress, for 64 calls in a row cannot finish: the call returns Z_DATA_ERROR with a message, which
 * libgit2 reports as a zlib error, and dynix as a damaged repository. A caller that streams its input
 * supplies more after the first such call, so 64 leaves a wide margin.
 *
 * How it is put in front of zlib: with a shared libgit2 (and with a libgit2 archive against a shared
 * zlib, as package.nix builds it) this definition of inflate() interposes zlib's and reaches it through
 * dlsym(RTLD_NEXT); with Debian's archives, where zlib is linked in as well, Package.swift has the
 * linker send libgit2's calls here through --wrap=inflate.
 *
 * When it can go: when every supported libgit2 has #7346 (Debian's and nixpkgs').
 */
#define _GNU_SOURCE
#include "CInflateGuard.h"

#include <dlfcn.h>
#include <zlib.h>

static _Thread_local const z_stream *stalled_stream;
static _Thread_local unsigned stalled_calls;

static int guarded(int (*real)(z_streamp, int), z_streamp stream, int flush) {
    uLong before = stream->total_out;
    int status = real(stream, flush);
    if (status != Z_BUF_ERROR || stream->avail_in != 0 || stream->total_out != before) {
        if (stalled_stream == stream) stalled_stream = 0;
        return status;
    }
    if (stalled_stream != stream) {
        stalled_stream = stream;
        stalled_calls = 0;
    }
    if (++stalled_calls < 64) return status;
    stalled_stream = 0;
    stream->msg = (char *)"the compressed data ends too early (a truncated object)";
    return Z_DATA_ERROR;
}

#ifdef DYNIX_LIBGIT2_DEBIAN_STATIC
int __real_inflate(z_streamp stream, int flush);
int __wrap_inflate(z_streamp stream, int flush) { return guarded(__real_inflate, stream, flush); }
#else
typedef int (*inflate_function)(z_streamp, int);

int inflate(z_streamp stream, int flush) {
    /* Looked up once; any thread may be first, so the pointer is read and written atomically. */
    static inflate_function real;
    inflate_function found = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
    if (!found) {
        *(void **)&found = dlsym(RTLD_NEXT, "inflate");
        if (!found) return Z_STREAM_ERROR;
        __atomic_store_n(&real, found, __ATOMIC_RELEASE);
    }
    return guarded(found, stream, flush);
}
#endif
