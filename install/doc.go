// Package install writes gotensor's Jupyter kernelspec — kernel.json and the
// two logos — into a Jupyter data directory, so that Notebook, JupyterLab,
// nbclient and `jupyter kernelspec list` find the kernel.
//
// A kernelspec names the binary by its absolute path; installing again
// overwrites the previous spec. Where a spec goes follows Jupyter's own
// rules: --user is the user's data directory ($JUPYTER_DATA_DIR, else
// $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter), --sys-prefix is
// the share/jupyter directory of the Python environment that runs Jupyter,
// and --prefix DIR is DIR/share/jupyter.
package install
