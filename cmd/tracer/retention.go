package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// retention is the --retention flag: how long events are kept, as days
// ("7d") or a Go duration ("36h"); 0 keeps everything.
type retention time.Duration

func (r *retention) String() string {
	d := time.Duration(*r)
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func (r *retention) Set(s string) error {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return fmt.Errorf("want a number of days like 7d, or a duration like 36h")
		}
		*r = retention(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("want a number of days like 7d, or a duration like 36h")
	}
	*r = retention(d)
	return nil
}
