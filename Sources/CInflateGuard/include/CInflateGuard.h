/* Nothing to call: inflate.c only stands between libgit2 and zlib (see there). */
#ifndef DYNIX_CINFLATEGUARD_H
#define DYNIX_CINFLATEGUARD_H
#endif
