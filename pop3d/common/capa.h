/* The CAPA reply (RFC 2449 section 5), the same list in both states but
 * for what the state decides. */
#ifndef POP3D_CAPA_H
#define POP3D_CAPA_H

#include <stdbool.h>

#include "pop3d/common/session.h"

/* "+OK" and the capabilities: USER and SASL (mechanisms, if not empty)
 * when logins is true, STLS when stls is. */
void capa_reply(struct session *s, bool logins, const char *mechanisms,
		bool stls);

#endif
