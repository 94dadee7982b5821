/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VGATE_NETLINK_H
#define _VGATE_NETLINK_H

int vgate_genl_init(void);
void vgate_genl_uninit(void);

#endif /* _VGATE_NETLINK_H */
