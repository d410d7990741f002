#define _GNU_SOURCE
#include "CDeflate.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct dynix_deflate_job {
    unsigned char header[64];
    size_t header_size;
    const unsigned char *data;
    size_t size;
    unsigned char *out;
    size_t out_size;
    int status;
    int threaded;
    pthread_t thread;
};

static void *run(void *argument) {
    struct dynix_deflate_job *job = argument;
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    job->status = -1;
    if (deflateInit(&stream, Z_BEST_SPEED) != Z_OK) return NULL;
    /* With room for deflateBound, zlib takes all the input and finishes in these two calls. */
    uLong capacity = deflateBound(&stream, (uLong)(job->header_size + job->size));
    job->out = malloc(capacity);
    if (job->out != NULL) {
        stream.next_out = job->out;
        stream.avail_out = (uInt)capacity;
        stream.next_in = job->header;
        stream.avail_in = (uInt)job->header_size;
        if (deflate(&stream, Z_NO_FLUSH) == Z_OK && stream.avail_in == 0) {
            stream.next_in = (unsigned char *)job->data;
            stream.avail_in = (uInt)job->size;
            if (deflate(&stream, Z_FINISH) == Z_STREAM_END) {
                job->out_size = stream.total_out;
                job->status = 0;
            }
        }
    }
    deflateEnd(&stream);
    return NULL;
}

dynix_deflate_job *dynix_deflate_start(const void *header, size_t header_size, const void *data, size_t size) {
    /* zlib counts in 32 bits: a larger object is left to the caller's other way. */
    if (header_size > sizeof(((struct dynix_deflate_job *)0)->header) || size > UINT32_MAX / 2) return NULL;
    struct dynix_deflate_job *job = calloc(1, sizeof *job);
    if (job == NULL) return NULL;
    memcpy(job->header, header, header_size);
    job->header_size = header_size;
    job->data = data;
    job->size = size;
    /* On another CPU than this one, which is about to hash: left to itself, the scheduler tends to queue a new
       thread behind its parent until the parent blocks, and nothing would run side by side. With one CPU
       there is no other: the work is done here. */
    cpu_set_t cpus;
    int here = sched_getcpu();
    if (sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2 || here < 0) {
        run(job);
        return job;
    }
    CPU_CLR(here, &cpus);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setaffinity_np(&attributes, sizeof cpus, &cpus);
    /* The thread must not take the signals dynix handles (an interrupted apply) away from the main thread. */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    job->threaded = pthread_create(&job->thread, &attributes, run, job) == 0;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attributes);
    if (!job->threaded) run(job);
    return job;
}

int dynix_deflate_finish(dynix_deflate_job *job, unsigned char **out, size_t *out_size) {
    if (job->threaded) pthread_join(job->thread, NULL);
    int status = job->status;
    if (status == 0) {
        *out = job->out;
        *out_size = job->out_size;
    } else {
        free(job->out);
    }
    free(job);
    return status;
}
