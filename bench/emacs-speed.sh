#!/usr/bin/env bash
# Time insert-from-url against url-retrieve-synchronously (plus the UTF-8
# decode it needs) on a 10 MiB page from a local server: best of 3 each,
# and the garbage collections each made; in batch Emacs, then in an
# interactive `emacs -nw` in a detached tmux (with redisplay) when tmux is
# there.
#
#   bench/emacs-speed.sh [BYTES]
set -euo pipefail
cd "$(dirname "$0")/.."
bytes=${1:-10485760}
. bench/setup.sh
cat > "$tmp/speed.el" <<EL
;;; -*- lexical-binding: t -*-
(require 'insert-from-url)
(require 'url)
(setq insert-from-url-program "$ifu")
(defvar speed-url "$base/bytes?n=$bytes")
(defun speed-best (f)
  (let ((best 1e9))
    (dotimes (_ 3)
      (garbage-collect)
      (let ((start (float-time)))
        (funcall f)
        (setq best (min best (- (float-time) start)))))
    best))
(defvar speed-lines nil)
(defun speed-report (fmt &rest args)
  (push (apply #'format fmt args) speed-lines))
(let ((gcs gcs-done))
  (speed-report "insert-from-url            %.3f s, %d GCs"
           (speed-best (lambda ()
                         (with-temp-buffer
                           (insert-from-url speed-url "raw")
                           (while insert-from-url--processes (accept-process-output nil 0.01))
                           (unless (>= (buffer-size) $bytes) (error "Short: %d" (buffer-size))))))
           (- gcs-done gcs)))
(let ((gcs gcs-done))
  (speed-report "url-retrieve-synchronously %.3f s, %d GCs"
           (speed-best (lambda ()
                         (with-current-buffer (url-retrieve-synchronously speed-url t)
                           (goto-char (point-min))
                           (re-search-forward "\n\n")
                           (let ((s (decode-coding-string (buffer-substring (point) (point-max)) 'utf-8)))
                             (kill-buffer)
                             (unless (>= (length s) $bytes) (error "Short"))))))
           (- gcs-done gcs)))
(with-temp-file "$tmp/result"
  (insert (mapconcat #'identity (nreverse speed-lines) "\n") "\n"))
(unless noninteractive (kill-emacs 0))
EL
echo "batch:"
emacs -Q --batch -L elisp -l "$tmp/speed.el" >/dev/null 2>&1
cat "$tmp/result"
if command -v tmux >/dev/null; then
  echo "interactive (emacs -nw in tmux):"
  rm -f "$tmp/result"
  tmux -L ifu-speed new-session -d -x 120 -y 40 "emacs -nw -Q -L elisp -l $tmp/speed.el"
  for _ in $(seq 600); do [ -s "$tmp/result" ] && break; sleep 0.1; done
  sleep 0.2
  tmux -L ifu-speed kill-server 2>/dev/null || true
  cat "$tmp/result"
fi
