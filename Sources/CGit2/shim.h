#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call; this fixes its arguments for integer options. */
static inline int git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}
