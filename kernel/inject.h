/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcr: fault injection for tests — our module plays a hostile SMC-R peer (inject.c).
 * Off by default; armed by root through /sys/kernel/debug/smcr/inject.
 */
#ifndef SMCR_INJECT_H
#define SMCR_INJECT_H

#include <linux/jump_label.h>
#include <linux/types.h>

struct smcr_conn;
struct smcr_cdc_msg;

DECLARE_STATIC_KEY_FALSE(smcr_inject_key);

/* Cheap test for the send paths: a patched-out branch unless a fault is armed. */
static inline bool smcr_inject_armed(void)
{
	return static_branch_unlikely(&smcr_inject_key);
}

/*
 * A CDC of @conn is about to be encoded from @msg (conn->send_lock held, any context). If a
 * CDC fault is armed for this connection it is applied to @msg and disarmed.
 * Return: the number of bytes to put on the wire (44, or fewer for "cdc_short").
 */
u32 smcr_inject_cdc(struct smcr_conn *conn, struct smcr_cdc_msg *msg);

/* The server handshake on local port @lport: drop it after the Confirm? (one shot) */
bool smcr_inject_srv_drop(u16 lport);

void smcr_inject_init(void);
void smcr_inject_exit(void);

#endif /* SMCR_INJECT_H */
