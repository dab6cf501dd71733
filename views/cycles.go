package views

// CyclesPage lists the consortium's assessment cycles and opens new ones.
type CyclesPage struct {
	Page
	Cycles []CycleRow
	Name   Field
	Error  string
	OpenOK bool // no cycle is open, so a new one can be opened
}

// CycleRow is one cycle in the list.
type CycleRow struct {
	Name, Status, StatusLabel, Opened, Closed string
	CloseAction                               string // empty when closed
}
