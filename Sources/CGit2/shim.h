#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call; this fixes its arguments for integer options. */
static inline int git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}

/* Empties the config search path of one level (global, XDG, system), for the same reason. */
static inline int git_libgit2_opts_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}
