/* See startup.c: nothing to call; linking this target is what takes effect. */
int dynix_git2_startup_linked(void);
