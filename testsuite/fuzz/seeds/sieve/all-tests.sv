require ["fileinto", "comparator-i;octet", "test-timestamp"];
# every test
if anyof (header :is :comparator "i;octet" "Subject" ["a", "b"],
          address :domain :matches ["From", "To"] "*.org",
          not exists "Date",
          allof (size :over 1K, size :under 1M, true)) {
    fileinto "mbox:/tmp/x";
    stop;
} elsif timestamp :after "X-Expire-Timestamp" "Thu, 14 Nov 2024 09:05:01 +0100" {
    keep;
} else {
    discard;
}
/* a bracketed
   comment */
if header :contains "X-Text" text:
multi-line
..dot-stuffed
.
{ keep; }
