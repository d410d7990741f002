#include <sys/types.h>

/* Signal handling in C, where a handler may only touch sig_atomic_t state and async-signal-safe calls. */

/* Interruption of an apply by SIGINT, SIGTERM or SIGHUP (see interruption.c). */
enum {
    /* Building or deciding: nothing on the running system changed yet. */
    DYNIX_PHASE_PREPARING = 0,
    /* Activating or checking: an interrupt stops the program, then what was live is restored. */
    DYNIX_PHASE_CHANGING = 1,
    /* Restoring what was live: interrupts are refused. */
    DYNIX_PHASE_RESTORING = 2,
    /* Recording the outcome in the history: interrupts are refused until it is written. */
    DYNIX_PHASE_RECORDING = 3,
};

void dynix_interruption_begin(void);
void dynix_interruption_end(void);
/* Blocks (1) or unblocks (0) the three signals, so a child's pid is known before one can arrive. */
void dynix_interruption_block(int block);
void dynix_interruption_set_target(pid_t process_group);
/* Sets the phase the handler reports and acts on; returns the previous one. */
int dynix_interruption_set_phase(int phase);
int dynix_interruption_phase(void);
/* The first signal received since begin, or 0. */
int dynix_interruption_received(void);

/* Nesting of interruption sections: begin installs the handlers at depth 0, end removes them at depth 1. */
void dynix_interruption_enter(void);
void dynix_interruption_leave(void);

/* The watchdog (see watchdog.c). can_pause 0 makes the deadline absolute. */
void dynix_watchdog_start(unsigned int seconds, int status, int can_pause, const char *message);
/* Stops the alarm; returns the seconds that were left (0: none, or not pausable). */
unsigned int dynix_watchdog_pause(void);
/* Gives back what was left, at least 5 s. */
void dynix_watchdog_resume(unsigned int left);
