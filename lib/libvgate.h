/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvgate: the one userspace client of vgate's generic netlink families
 * ("vgate", "vgate_garp", "vgate_bwm"), for the CLI and vgate-iked.
 *
 *   objects.h garp.h bwm.h  plain structs with has-bits
 *   codec.h                 struct <-> netlink attributes (no I/O)
 *   handle.h                socket, errors with extack, dumps, dry run
 *   requests.h              the commands of each family
 *   events.h                ACQUIRE and SA_EXPIRE from the "events" group
 *   vocab.h                 name <-> value tables (algorithms, groups, ...)
 *   schema.h                attribute names and types, for printing
 */
#ifndef LIBVGATE_H
#define LIBVGATE_H

#include "addr.h"
#include "bwm.h"
#include "codec.h"
#include "events.h"
#include "garp.h"
#include "handle.h"
#include "objects.h"
#include "requests.h"
#include "schema.h"
#include "vocab.h"

#endif
