/* The transports on optional libraries (src/transports/meson.build's
 * optional_libraries): transports/libraries.h says which were found
 * (IPCB_HAVE_ZEROMQ) and why the others are not (IPCB_ABSENT_ZEROMQ, the
 * text of .absent). A transport's file compiles its code when its library
 * is there, and otherwise only its tables, made absent by the macros here,
 * so that `ipcbench list` names it with the reason and a row asked for by
 * name is skipped with it (transport.h). */
#ifndef IPCB_OPTIONAL_H
#define IPCB_OPTIONAL_H

#include "ipcbench/transport.h"
#include "transports/libraries.h"

/* the table of an absent transport: the name, flags and summary it has when
 * built, the reason, and no operation */
#define IPCB_ABSENT_TRANSPORT(base_, name_, flags_, summary_, reason_)                  \
    const struct ipcb_transport base_ = {.name = name_, .summary = summary_,            \
                                         .flags = (flags_), .wait_default = "block",    \
                                         .absent = reason_}

/* an absent transport's variant (variants.h's family lib) */
#define IPCB_ABSENT_VARIANT(var_, base_, name_, flags_, wait_, summary_, reason_)       \
    const struct ipcb_transport var_ = {.name = name_, .summary = summary_,             \
                                        .flags = (flags_) | IPCB_VARIANT, .base = &base_, \
                                        .wait = wait_, .absent = reason_}

/* an absent transport and its spin and poll variants (family lib) */
#define IPCB_ABSENT_LIB_TRANSPORT(base_, name_, flags_, summary_, reason_)             \
    IPCB_ABSENT_TRANSPORT(base_, name_, flags_, summary_, reason_);                     \
    IPCB_ABSENT_VARIANT(base_##_spin, base_, name_ "/spin", flags_, IPCB_WAIT_SPIN,     \
                        name_ ", waiting by non-blocking calls tried again", reason_);  \
    IPCB_ABSENT_VARIANT(base_##_poll, base_, name_ "/poll", flags_, IPCB_WAIT_POLL,     \
                        name_ ", waiting in the library's poll", reason_)

#endif
