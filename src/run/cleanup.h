#ifndef IPCB_CLEANUP_H
#define IPCB_CLEANUP_H

/* remove what killed runs left; prints what it removed unless quiet */
int ipcb_cleanup(int quiet);

#endif
