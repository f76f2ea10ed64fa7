# Remove messages whose Date: header is more than 30 days old, whether or
# not they were ever retrieved.  A message without a readable Date: header
# is kept.
require "timestamp";
if timestamp :before "Date" "now - 30 days" {
    discard;
}
