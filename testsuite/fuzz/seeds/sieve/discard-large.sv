# Remove messages larger than 10 MiB (size as POP3 reports it: octets with
# CRLF line ends).  Change the limit to suit the site; K, M and G are
# powers of 1024.
if size :over 10M {
    discard;
}
