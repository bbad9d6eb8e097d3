package main

import "github.com/spf13/cobra"

// lowerShorts writes the one-line help of cobra's own commands (help,
// completion and its shells) as wxcast writes its commands': lower case,
// so `wxcast --help` reads as one list.
func lowerShorts(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	for _, cmd := range root.Commands() {
		switch cmd.Name() {
		case "help":
			cmd.Short = "show the help of any command"
		case "completion":
			cmd.Short = "print a shell completion script (bash, zsh, fish, powershell)"
			for _, sh := range cmd.Commands() {
				sh.Short = "print the completion script for " + sh.Name()
			}
		}
	}
}
