// SPDX-License-Identifier: GPL-2.0
/*
 * The bitmap holds one bit per sequence number in a ring of a power of two
 * bits, at least one 32-bit word larger than the window so that sliding
 * the window only ever clears whole words (RFC 6479); a window of 4096
 * takes 1 KiB and a slide clears at most that.  Sequence number 0 is
 * never valid (RFC 4303 3.3.3: the first packet carries 1).
 */
#include <linux/slab.h>
#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/string.h>
#include "replay.h"
#include "fault.h"

struct vgate_replay *vgate_replay_alloc(u32 window, bool esn, u64 top,
					gfp_t gfp)
{
	struct vgate_replay *r;
	u32 nwords = 0;

	if (window)
		nwords = roundup_pow_of_two(DIV_ROUND_UP(window, 32) + 1);
	r = vgate_fault_ptr(kzalloc(struct_size(r, bitmap, nwords), gfp));
	if (!r)
		return NULL;
	spin_lock_init(&r->lock);
	r->window = window;
	r->esn = esn;
	r->top = top;
	r->mask = nwords ? nwords * 32 - 1 : 0;
	return r;
}

void vgate_replay_free(struct vgate_replay *r)
{
	kfree(r);
}

u64 vgate_replay_infer(const struct vgate_replay *r, u32 seq_lo, bool *ahead)
{
	u64 top = READ_ONCE(r->top);
	u32 tl = lower_32_bits(top), th = upper_32_bits(top);
	u32 w = r->window ?: 1, bottom = tl - w + 1;

	u64 seq;

	*ahead = false;
	if (!r->esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* A2.1 case A: the window lies within one 2^32 block */
		if (seq_lo < bottom) {
			th++;
			if (!th)	/* past the last block: never valid */
				return 0;
		}
	} else if (seq_lo >= bottom) {
		/* case B: the window spans two blocks, seq_lo in the lower */
		if (!th)
			return 0;
		th--;
	}
	seq = (u64)th << 32 | seq_lo;
	/*
	 * More than 2^31 ahead of the window: by the numbers a jump forward,
	 * in practice a packet from left of the window (or a forgery); if
	 * its ICV fails, that is what it is counted as.
	 */
	*ahead = seq > top && seq - top > BIT_ULL(31);
	return seq;
}

static int replay_check_locked(const struct vgate_replay *r, u64 seq)
{
	u32 bit;

	if (unlikely(!seq))
		return -ERANGE;
	if (!r->window || seq > r->top)
		return 0;
	if (r->top - seq >= r->window)
		return -ERANGE;
	bit = (u32)seq & r->mask;
	if (r->bitmap[bit / 32] & BIT(bit % 32))
		return -EEXIST;
	return 0;
}

int vgate_replay_check(struct vgate_replay *r, u64 seq)
{
	int ret;

	spin_lock_bh(&r->lock);
	ret = replay_check_locked(r, seq);
	spin_unlock_bh(&r->lock);
	return ret;
}

static void replay_slide(struct vgate_replay *r, u64 seq)
{
	u32 nwords = (r->mask + 1) / 32;
	u32 index, top_index, diff, i;

	if (seq - r->top >= r->mask + 1 - 32) {
		/* Everything recorded so far is now left of the window. */
		memset(r->bitmap, 0, nwords * sizeof(u32));
		return;
	}
	index = ((u32)seq & r->mask) / 32;
	top_index = ((u32)r->top & r->mask) / 32;
	diff = (index - top_index) & (nwords - 1);
	for (i = 1; i <= diff; i++)
		r->bitmap[(top_index + i) & (nwords - 1)] = 0;
}

int vgate_replay_advance(struct vgate_replay *r, u64 seq)
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
		bit = (u32)seq & r->mask;
		r->bitmap[bit / 32] |= BIT(bit % 32);
	}
	if (seq > r->top)
		WRITE_ONCE(r->top, seq);
out:
	spin_unlock_bh(&r->lock);
	return ret;
}

u64 vgate_replay_top(struct vgate_replay *r)
{
	return READ_ONCE(r->top);
}
