/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: TCP sockets created as AF_SMC sockets (replace.c): net.smc.tcp2smc and IPPROTO_SMC.
 */
#ifndef SMCR_REPLACE_H
#define SMCR_REPLACE_H

#include <linux/list.h>
#include <linux/types.h>

struct task_struct;

/*
 * struct smcr_replace_bypass - marks the current task while it creates a socket that must stay TCP
 *
 * Our own clcsock is a user socket (kern == 0) of the AF_SMC socket's netns; converting it would
 * make socket creation recurse. smcr_clcsock_create() brackets its __sock_create() with
 * smcr_replace_bypass_begin()/_end(), on a struct on its stack.
 */
struct smcr_replace_bypass {
	struct list_head	node;
	struct task_struct	*task;
};

void smcr_replace_bypass_begin(struct smcr_replace_bypass *b);
void smcr_replace_bypass_end(struct smcr_replace_bypass *b);

/* true while the socket-creation hook is installed (net.smc.tcp2smc can be switched on) */
bool smcr_replace_active(void);

/* main.c: install last in init (nothing can fail after it), remove first in exit */
void smcr_replace_init(void);
void smcr_replace_exit(void);

#endif /* SMCR_REPLACE_H */
