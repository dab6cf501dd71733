package views

// Field is one labelled input of a simple form, with its hint and error.
type Field struct {
	ID, Name, Label string
	Type            string // text, email, password, number; "" is text
	Value           string
	Hint            string
	Error           string
	Autocomplete    string
	Required        bool
	MaxLength       int
	InputMode       string
}

func (f Field) inputType() string {
	if f.Type == "" {
		return "text"
	}
	return f.Type
}

func (f Field) describedBy() string {
	ids := ""
	if f.Hint != "" {
		ids = f.ID + "-hint"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.ID + "-error"
	}
	return ids
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// Errors are field errors of a form, keyed by field name.
type Errors map[string]string
