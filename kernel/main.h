/* SPDX-License-Identifier: GPL-2.0 */
/* smcr: module-wide state set up in main.c */
#ifndef SMCR_MAIN_H
#define SMCR_MAIN_H

#include <linux/types.h>

#define SMCR_SYSTEMID_LEN	8
#define SMCR_MODULE_VERSION	"0.1.0"

/* 2 random bytes, then the MAC of the first active RoCE port (zero while there is none) */
extern u8 smcr_local_systemid[SMCR_SYSTEMID_LEN];

#endif /* SMCR_MAIN_H */
