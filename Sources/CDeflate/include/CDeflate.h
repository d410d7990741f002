#ifndef DYNIX_CDEFLATE_H
#define DYNIX_CDEFLATE_H

#include <stddef.h>

/// A zlib compression running on a thread of its own, so that a large object is hashed (by the caller) and
/// compressed at the same time: for a loose object those two are the whole cost, and neither needs the other.
typedef struct dynix_deflate_job dynix_deflate_job;

/// Starts compressing `header` (copied) followed by `data` (which must stay valid until
/// `dynix_deflate_finish`) at level 1, the level git and libgit2 write loose objects with, on a thread pinned to
/// another CPU than the caller's. With one CPU, or when no thread can be made, the work is done here, at once.
/// NULL when out of memory, or when the data is too large for one zlib call (2 GiB and more).
dynix_deflate_job *dynix_deflate_start(const void *header, size_t header_size, const void *data, size_t size);

/// Waits for the job and frees it. 0 and the compressed bytes (`free` them), or -1 when zlib failed.
int dynix_deflate_finish(dynix_deflate_job *job, unsigned char **out, size_t *out_size);

#endif
