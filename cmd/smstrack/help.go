package main

import (
	"fmt"

	"github.com/smstrack/smstrack/internal/config"
)

func (m *Main) help() {
	fmt.Fprint(m.Stdout, `smstrack: a self-hosted SMS tracker

Usage:
  smstrack demo [--rate N] [--speed X] [flags]
                                         run the server on ./smstrack-demo with a simulated
                                         carrier network sending N messages/s (default 5)
  smstrack serve [flags]                 run the server (webhooks, API, console)
  smstrack migrate [flags]               apply database migrations and exit
  smstrack apikey create --name NAME     create an API key (printed once, last line)
  smstrack apikey list                   list API keys
  smstrack apikey revoke ID|NAME         revoke an API key
  smstrack user create --email EMAIL --role admin|viewer
                                         create a console user; password on stdin
  smstrack user list|delete --email EMAIL|passwd --email EMAIL|role --email EMAIL --role R
  smstrack webhook create --url URL [--events a,b]
                                         register an outbound webhook endpoint
                                         (signing secret printed once, last line)
  smstrack webhook list|enable ID|disable ID
  smstrack webhook replay ID --event N | --from T --to T
                                         send events again to an endpoint
  smstrack webhook rotate-secret ID [--grace 24h]
                                         new signing secret (printed once, last line);
                                         the old one also signs for the grace period
  smstrack segments [--json] [--smart] TEXT|-
                                         how a body encodes and splits into segments
                                         (- reads standard input, byte for byte)
  smstrack sync twilio [--since WHEN] [--until WHEN] [--account AC...] [--json]
                                         reconcile with Twilio's message list: report
                                         and merge what callbacks missed
  smstrack import twilio-csv FILE [--account AC...] [--rejects FILE] [--json]
  smstrack import jsonl FILE [--rejects FILE] [--json]
                                         import message history (Twilio's console
                                         CSV export, or smstrack's message JSON)
  smstrack rollups status|rebuild|verify queue length and lag of the stats rollups; queue every
                                         message again; recompute and compare every cell
  smstrack version                       print the version
  smstrack help                          this text

Settings (every flag has an environment twin; a flag wins):
`)
	config.PrintOptions(m.Stdout)
}
