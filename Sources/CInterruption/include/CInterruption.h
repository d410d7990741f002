#include <sys/types.h>

/* Interruption of an apply by SIGINT, SIGTERM or SIGHUP (see interruption.c). */
void dynix_interruption_begin(void);
void dynix_interruption_end(void);
/* Blocks (1) or unblocks (0) the three signals, so a child's pid is known before one can arrive. */
void dynix_interruption_block(int block);
void dynix_interruption_set_target(pid_t process_group);
/* 1: pass signals on to the target; 0: only remember them (while restoring). */
void dynix_interruption_set_forwarding(int forward);
/* The last signal received since begin, or 0. */
int dynix_interruption_received(void);
