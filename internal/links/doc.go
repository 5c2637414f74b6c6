// Package links owns tracked links: short codes, finding and rewriting the
// URLs of a message body, telling link-preview fetchers from people, hashing
// client addresses, and the redirect handler recipients reach. It keeps no
// data itself: storage sits behind Store, which internal/store implements.
// It must never redirect anywhere but a URL the store holds for a code.
package links
