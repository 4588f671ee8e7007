#ifndef IPCB_REPORT_STYLE_H
#define IPCB_REPORT_STYLE_H

/* the report page's CSS, screen and print, for its <style> element */
extern const char ipcb_report_css[];
extern const char ipcb_report_css_answer[];

#endif
