// SPDX-License-Identifier: GPL-2.0
/*
 * The bitmap holds one bit per sequence number in a ring of nwords * 32
 * bits, one word larger than the window so that sliding the window only
 * ever clears whole words (RFC 6479).  Sequence number 0 is never valid
 * (RFC 4303 3.3.3: the first packet carries 1).
 */
#include <linux/slab.h>
#include <linux/bitops.h>
#include <linux/string.h>
#include "replay.h"

struct vgate_replay *vgate_replay_alloc(u32 window, gfp_t gfp)
{
	struct vgate_replay *r;
	u32 nwords = window ? DIV_ROUND_UP(window, 32) + 1 : 0;

	r = kzalloc(struct_size(r, bitmap, nwords), gfp);
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->window = window;
	r->nwords = nwords;
	return r;
}

void vgate_replay_free(struct vgate_replay *r)
{
	kfree(r);
}

static int replay_check_locked(const struct vgate_replay *r, u32 seq)
{
	u32 bit;

	if (unlikely(!seq))
		return -ERANGE;
	if (!r->window || seq > r->top)
		return 0;
	if (r->top - seq >= r->window)
		return -ERANGE;
	bit = seq % (r->nwords * 32);
	if (r->bitmap[bit / 32] & BIT(bit % 32))
		return -EEXIST;
	return 0;
}

int vgate_replay_check(struct vgate_replay *r, u32 seq)
{
	int ret;

	spin_lock_bh(&r->lock);
	ret = replay_check_locked(r, seq);
	spin_unlock_bh(&r->lock);
	return ret;
}

static void replay_slide(struct vgate_replay *r, u32 seq)
{
	u32 bits = r->nwords * 32;
	u32 index, top_index, diff, i;

	if (seq - r->top >= bits - 32) {
		/* Everything recorded so far is now left of the window. */
		memset(r->bitmap, 0, r->nwords * sizeof(u32));
		return;
	}
	index = (seq % bits) / 32;
	top_index = (r->top % bits) / 32;
	diff = (index + r->nwords - top_index) % r->nwords;
	for (i = 1; i <= diff; i++)
		r->bitmap[(top_index + i) % r->nwords] = 0;
}

int vgate_replay_advance(struct vgate_replay *r, u32 seq)
{
	u32 bit;
	int ret;

	spin_lock_bh(&r->lock);
	ret = replay_check_locked(r, seq);
	if (ret)
		goto out;
	if (r->window) {
		if (seq > r->top)
			replay_slide(r, seq);
		bit = seq % (r->nwords * 32);
		r->bitmap[bit / 32] |= BIT(bit % 32);
	}
	if (seq > r->top)
		WRITE_ONCE(r->top, seq);
out:
	spin_unlock_bh(&r->lock);
	return ret;
}

u32 vgate_replay_top(struct vgate_replay *r)
{
	return READ_ONCE(r->top);
}
