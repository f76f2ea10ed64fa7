# The cron expiry recipe: remove messages that pop3d stamped as retrieved
# (X-Expire-Timestamp, see the `expire` directive of pop3d.conf) more than
# five days ago.  Messages never retrieved carry no stamp and stay.
#
#   mu-sieve -f mbox:/var/mail/alice expire.sv
require "timestamp";
if timestamp :before "X-Expire-Timestamp" "now - 5 days" {
    discard;
}
