// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/wait_bit.h>

#include "netns.h"
#include "acquire.h"
#include "config.h"
#include "hooks.h"
#include "ownaddr.h"
#include "policy.h"
#include "sad.h"
#include "natt.h"
#include "../drivers/tunnel.h"

unsigned int vgate_net_id __read_mostly;

/*
 * The hooks of a namespace are registered when it is first configured, so
 * namespaces that never use vgate (an XFRM peer in the same kernel, say)
 * never see it on their packet path.
 */
int vgate_net_enable(struct vgate_net *vn)
{
	lockdep_assert_held(&vn->lock);
	if (vn->hooks_registered)
		return 0;
	return vgate_hooks_register(vn);
}

static int __net_init vgate_net_init(struct net *net)
{
	struct vgate_net *vn = vgate_net(net);
	int err;

	vn->net = net;
	mutex_init(&vn->lock);
	vgate_natt_net_init(vn);
	vgate_config_defaults(&vn->cfg);
	atomic_set(&vn->sa_live, 0);
	err = vgate_stats_init(vn);
	if (err)
		return err;
	err = vgate_policy_net_init(vn);
	if (err)
		goto err_policy;
	err = vgate_sad_net_init(vn);
	if (err)
		goto err_sad;
	err = vgate_ownaddr_net_init(vn);
	if (err)
		goto err_ownaddr;
	err = vgate_acquire_net_init(vn);
	if (err)
		goto err_acquire;
	return 0;

err_acquire:
	vgate_ownaddr_net_exit(vn);
err_ownaddr:
	vgate_sad_net_uninit(vn);
err_sad:
	mutex_lock(&vn->lock);
	vgate_policy_net_exit(vn);
	mutex_unlock(&vn->lock);
err_policy:
	vgate_stats_uninit(vn);
	return err;
}

/*
 * Before any exit method: the core unregisters the devices left in a dying
 * namespace in its own exit, and vgate's devices must go first, while their
 * peers can still be told (tunnel.c).
 */
static void __net_exit vgate_net_pre_exit(struct net *net)
{
	vgate_tunnel_net_pre_exit(vgate_net(net));
}

static void __net_exit vgate_net_exit(struct net *net)
{
	struct vgate_net *vn = vgate_net(net);

	/* First: its socket feeds ESP into the SAD torn down below. */
	vgate_natt_net_exit(vn);
	vgate_ownaddr_net_exit(vn);
	mutex_lock(&vn->lock);
	vgate_hooks_unregister(vn);
	vgate_policy_net_exit(vn);
	vgate_sa_flush(vn);
	mutex_unlock(&vn->lock);
	/* The hooks are gone: nothing is held any more. */
	vgate_acquire_net_exit(vn);
	/* Packets still in the crypto layer use vn: wait for their SAs. */
	wait_var_event(&vn->sa_live, !atomic_read(&vn->sa_live));
	vgate_sad_net_destroy(vn);
	vgate_stats_uninit(vn);
}

static struct pernet_operations vgate_net_ops = {
	.init = vgate_net_init,
	.pre_exit = vgate_net_pre_exit,
	.exit = vgate_net_exit,
	.id = &vgate_net_id,
	.size = sizeof(struct vgate_net),
};

int vgate_netns_init(void)
{
	return register_pernet_subsys(&vgate_net_ops);
}

void vgate_netns_uninit(void)
{
	unregister_pernet_subsys(&vgate_net_ops);
}
