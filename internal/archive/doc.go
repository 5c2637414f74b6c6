// Package archive owns the compliance media archive: the bytes of
// picture-message attachments, fetched from the provider with the account's
// credentials and kept under the data directory, addressed by their SHA-256 so
// that the same attachment is stored once however often it is fetched.
//
// It checks what it stores (size limit, content-type allow list, a sniff of
// the bytes) and hands back the pieces other packages need: an Item to record
// in the database and a ReadSeekCloser to serve. It must not know about HTTP
// routes, users or the database; deciding who may see an item, and recording
// which message refers to it, is the caller's job.
//
// On disk, dir/ab/cd/<sha256> holds the bytes and dir/ab/cd/<sha256>.type
// holds the content type as one line of text. Files are written to a temporary
// file in dir first and renamed into place, so a reader never sees half a file.
// Serving is the caller's, but the bytes came from outside: serve them with
// the stored type, "X-Content-Type-Options: nosniff" and, for anything that
// is not an image, "Content-Disposition: attachment", so a browser never
// runs what a sender managed to get past the checks.
//
// One Archive per directory per process is assumed: the lock that keeps a
// blob and its type file consistent is in memory.
package archive
