package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/smstrack/smstrack"
	"github.com/smstrack/smstrack/internal/config"
	"github.com/smstrack/smstrack/internal/web"
)

// userFlags are the user command's own flags, each taking a value; the
// database flags of every command may be mixed in.
var userFlags = map[string]bool{"email": true, "role": true}

// user manages console users. Passwords are read from standard input (the
// first line), never from a flag, so they stay out of shell history and
// process listings.
func (m *Main) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("user needs a subcommand: create, list, delete, passwd or role")
	}
	sub := args[0]
	own, rest, err := splitFlags(args[1:], userFlags)
	if err != nil {
		return err
	}
	c, extra, err := config.Parse("user", rest, m.Getenv)
	if err != nil {
		return err
	}
	if len(extra) > 0 {
		return usageError(fmt.Sprintf("user %s takes no arguments, got %q", sub, extra))
	}
	var email string
	if sub != "list" {
		if email, err = smstrack.NormalizeEmail(own["email"]); err != nil {
			return usageError(fmt.Sprintf("user %s needs --email EMAIL: %s", sub, smstrack.ErrorMessage(err)))
		}
	}
	var role smstrack.Role
	if sub == "create" || sub == "role" {
		if role, err = smstrack.ParseRole(own["role"]); err != nil {
			return usageError(fmt.Sprintf("user %s needs --role admin|viewer", sub))
		}
	}
	var hash string
	if sub == "create" || sub == "passwd" {
		password, err := readPassword(m.Stdin)
		if err != nil {
			return err
		}
		hash = web.HashPassword(password)
	}
	db, err := m.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()

	switch sub {
	case "create":
		u, err := db.CreateUser(ctx, email, role, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "created %s user %s (id %d)\n", u.Role, u.Email, u.ID)
		return nil
	case "list":
		users, err := db.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := m.table("ID\tEMAIL\tROLE\tCREATED\tLAST SIGN-IN")
		for _, u := range users {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, u.CreatedAt.Format(time.RFC3339), timeOrDash(u.LastLoginAt))
		}
		return tw.Flush()
	}
	u, err := db.GetUserByEmail(ctx, email)
	if err != nil {
		return err
	}
	switch sub {
	case "delete":
		err = db.DeleteUser(ctx, u.ID)
	case "passwd":
		err = db.SetUserPassword(ctx, u.ID, hash)
	case "role":
		err = db.SetUserRole(ctx, u.ID, role)
	default:
		return usageError(fmt.Sprintf("unknown user subcommand %q: use create, list, delete, passwd or role", sub))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: done for %s\n", sub, u.Email)
	return nil
}

// readPassword reads the first line of standard input as the password and
// checks it against the policy.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(stdin, web.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", usageError("give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | smstrack user create ...")
	}
	if err := web.CheckPasswordPolicy(password); err != nil {
		return "", usageError(smstrack.ErrorMessage(err))
	}
	return password, nil
}

// splitFlags takes a command's own --name value flags out of args (as
// --name value or --name=value) and leaves the rest for config.Parse.
func splitFlags(args []string, names map[string]bool) (map[string]string, []string, error) {
	own := map[string]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, inline := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !names[name] {
			rest = append(rest, a)
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				return nil, nil, usageError("--" + name + " needs a value")
			}
			i++
			value = args[i]
		}
		own[name] = value
	}
	return own, rest, nil
}
