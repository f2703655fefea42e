package proc

import (
	"os"
	"os/exec"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// job holds every child this process starts. It is created with
// KILL_ON_JOB_CLOSE and its handle is never closed: Windows closes it when
// this process exits, however it exits, and then ends the children.
var job = sync.OnceValues(func() (windows.Handle, error) {
	h, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, err
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(h, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(h)
		return 0, err
	}
	return h, nil
})

// start always makes a new process group: CTRL_BREAK_EVENT can only be
// sent to a group, and a new group also keeps the console's Ctrl+C (which
// goes to every process on the console) away from the child, as a process
// group does on Unix.
func start(cmd *exec.Cmd, _ bool) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: windows.CREATE_NEW_PROCESS_GROUP}
	if err := cmd.Start(); err != nil {
		return err
	}
	// Best effort: a process that cannot join the job (the system refuses
	// nested jobs before Windows 8) still stops when the parent stops it.
	// A grandchild it starts before joining stays outside the job.
	if j, err := job(); err == nil {
		if h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid)); err == nil {
			_ = windows.AssignProcessToJobObject(j, h)
			windows.CloseHandle(h)
		}
	}
	return nil
}

func terminate(p *os.Process) error {
	return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(p.Pid))
}

func kill(p *os.Process) error { return p.Kill() }

func interruptGroup(pid int) error {
	return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(pid))
}
