package lab

import "github.com/pgrad/pgrad/pg"

// A SettingError reports a widget setting out of range; Name is the
// setting's key (its URL-hash name).
type SettingError struct {
	Name string
	Msg  string
}

// Error returns the message.
func (e *SettingError) Error() string { return e.Msg }

// Unwrap returns pg.ErrSetting, so that errors.Is finds every bad setting.
func (e *SettingError) Unwrap() error { return pg.ErrSetting }
