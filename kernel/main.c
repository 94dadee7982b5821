// SPDX-License-Identifier: GPL-2.0
/*
 * vgate: kernel-resident IPsec gateway.  Module entry: chains the
 * subsystems up and unwinds them in reverse order.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include <linux/genetlink.h>

#include "config.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "policy.h"
#include "ownaddr.h"
#include "sad.h"
#include "spd_index.h"
#include "fault.h"
#include "../drivers/tunnel.h"

module_param_named(replay_window, vgate_default_replay_window, uint, 0444);
MODULE_PARM_DESC(replay_window,
		 "Initial replay_window knob of every namespace, "
		 __stringify(VGATE_REPLAY_WINDOW_MIN) ".."
		 __stringify(VGATE_REPLAY_WINDOW_MAX) " (default "
		 __stringify(VGATE_REPLAY_WINDOW_DEFAULT) ")");
module_param_named(max_sas, vgate_default_max_sas, uint, 0444);
MODULE_PARM_DESC(max_sas,
		 "Initial max_sas knob (SA database limit) of every namespace, "
		 __stringify(VGATE_MAX_SAS_MIN) ".."
		 __stringify(VGATE_MAX_SAS_MAX) " (default "
		 __stringify(VGATE_MAX_SAS_DEFAULT) ")");

VGATE_FAULT_DEFINE;

static int __init vgate_init(void)
{
	int err;

	/* Debug builds (-DDEBUG) test the classifier first; else a no-op. */
	err = vgate_spd_index_selftest();
	if (err)
		return err;
	vgate_policy_init();
	vgate_hooks_init();
	err = vgate_sad_init();
	if (err)
		return err;
	err = vgate_tunnel_init();
	if (err)
		goto err_tunnel;
	err = vgate_netns_init();
	if (err)
		goto err_netns;
	err = vgate_ownaddr_init();
	if (err)
		goto err_ownaddr;
	err = vgate_sysfs_init();
	if (err)
		goto err_sysfs;
	err = vgate_genl_init();
	if (err)
		goto err_genl;
	vgate_fault_init();
	pr_info("IPsec gateway loaded\n");
	return 0;

err_genl:
	vgate_sysfs_uninit();
err_sysfs:
	vgate_ownaddr_uninit();
err_ownaddr:
	vgate_netns_uninit();
err_netns:
	vgate_tunnel_uninit();
err_tunnel:
	vgate_sad_uninit();
	vgate_policy_uninit();
	return err;
}

static void __exit vgate_exit(void)
{
	vgate_fault_exit();
	vgate_genl_uninit();
	vgate_sysfs_uninit();
	vgate_ownaddr_uninit();
	vgate_netns_uninit();
	vgate_hooks_uninit();
	vgate_tunnel_uninit();
	vgate_sad_uninit();	/* ends with rcu_barrier(): rules are freed */
	vgate_policy_uninit();
}

module_init(vgate_init);
module_exit(vgate_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("vgate developers");
MODULE_DESCRIPTION("Kernel-resident IPsec VPN gateway");
MODULE_VERSION(VGATE_VERSION);
MODULE_ALIAS_GENL_FAMILY(VGATE_GENL_NAME);
