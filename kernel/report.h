/* SPDX-License-Identifier: GPL-2.0 */
/* smcr: registers the SMC-R core's hooks with the management ABI (report.c). */
#ifndef SMCR_REPORT_H
#define SMCR_REPORT_H

void smcr_report_init(void);	/* before the management ABI registers */
void smcr_report_exit(void);	/* after it is gone */

#endif /* SMCR_REPORT_H */
