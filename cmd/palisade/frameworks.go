package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"palisade/frameworks"
	"palisade/store"
)

const frameworksUsage = `Usage: palisade frameworks import [--db palisade.db] [--replace] catalog.json
       palisade frameworks list [--db palisade.db]

Imports the catalog of another framework (NIST CSF 1.1, CISA's performance
goals, ...) so results can also be read by it. Members keep answering
CSF 2.0; each item of the catalog lists the CSF 2.0 outcomes it matches
(maps_to), and its level is worked out from those answers. The format and
the rule are in docs/catalog-format.md; docs/examples/cisa-cpg.json is a
catalog ready to import.

import  checks the file and stores it for every consortium of this
        database. A file with a mistake is refused with the place of the
        mistake, e.g. functions[1].categories[0].subcategories[3].maps_to[0],
        and nothing is written. A catalog whose id is already imported is
        refused unless --replace is given.
list    shows the imported catalogs.
`

// runFrameworks is `palisade frameworks import|list`.
func runFrameworks(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, frameworksUsage)
		return errors.New("frameworks: say import or list")
	}
	switch args[0] {
	case "import":
		return runFrameworksImport(args[1:], stdout, stderr)
	case "list":
		return runFrameworksList(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, frameworksUsage)
		return flag.ErrHelp
	}
	fmt.Fprint(stderr, frameworksUsage)
	return fmt.Errorf("frameworks: unknown command %q; say import or list", args[0])
}

// parseInterspersed parses flags that may come before or after the
// arguments (`import file.json --db x.db` as well as `import --db x.db
// file.json`) and returns the arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return rest, nil
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func frameworksFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("palisade frameworks "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", envOr("PALISADE_DB", "./palisade.db"), "Palisade database (env PALISADE_DB); it must exist")
	fs.Usage = func() {
		fmt.Fprint(stderr, frameworksUsage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs, db
}

// openExisting opens a database that is already there: a mistyped --db
// must not quietly create a new, empty one.
func openExisting(ctx context.Context, path string) (*store.Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w (start Palisade once to create it, or check --db)", path, err)
	}
	return store.Open(ctx, path)
}

func runFrameworksImport(args []string, stdout, stderr io.Writer) error {
	fs, db := frameworksFlags("import", stderr)
	replace := fs.Bool("replace", false, "replace an imported catalog with the same id")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errors.New("frameworks import: name exactly one catalog file")
	}
	c, previous, err := importCatalogFile(context.Background(), *db, files[0], *replace)
	if err != nil {
		return err
	}
	mapped, total := 0, 0
	for _, s := range c.Subcategories() {
		total++
		if len(s.MapsTo) > 0 {
			mapped++
		}
	}
	verb := "Imported"
	if previous != "" {
		verb = "Replaced version " + previous + " with"
	}
	fmt.Fprintf(stdout, "%s %s %s (%s): %d items, %d with a CSF 2.0 equivalent, %d without.\n", verb, c.Name, c.Version, c.ID, total, mapped, total-mapped)
	fmt.Fprintf(stdout, "Every consortium in %s can now view results by it.\n", *db)
	return nil
}

// importCatalogFile checks the file completely before the database is
// opened, so a refused file writes nothing, and imports it in one
// transaction. It returns the catalog and the version it replaced.
func importCatalogFile(ctx context.Context, db, file string, replace bool) (*frameworks.Catalog, string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("frameworks import: %w", err)
	}
	c, err := frameworks.ParseImport(raw)
	if err != nil {
		return nil, "", fmt.Errorf("frameworks import: %s refused, nothing was imported:\n  %w", file, err)
	}
	st, err := openExisting(ctx, db)
	if err != nil {
		return nil, "", fmt.Errorf("frameworks import: %w", err)
	}
	defer st.Close()
	previous, err := st.ImportCatalog(ctx, store.Actor{Email: "command line"}, raw, store.CatalogMeta{ID: c.ID, Version: c.Version, Name: c.Name}, replace)
	if errors.Is(err, store.ErrCatalogExists) {
		return nil, "", fmt.Errorf("frameworks import: %w; add --replace to replace it", err)
	}
	if err != nil {
		return nil, "", fmt.Errorf("frameworks import: %w", err)
	}
	return c, previous, nil
}

func runFrameworksList(args []string, stdout, stderr io.Writer) error {
	fs, db := frameworksFlags("list", stderr)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return fmt.Errorf("frameworks list: unexpected argument %q", rest[0])
	}
	ctx := context.Background()
	st, err := openExisting(ctx, *db)
	if err != nil {
		return fmt.Errorf("frameworks list: %w", err)
	}
	defer st.Close()
	list, err := st.Catalogs(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No framework has been imported; results are shown by the built-in NIST CSF 2.0 only.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tNAME\tIMPORTED\tBY")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Version, c.Name, c.ImportedAt.UTC().Format("2006-01-02 15:04 UTC"), c.ImportedBy)
	}
	return tw.Flush()
}
