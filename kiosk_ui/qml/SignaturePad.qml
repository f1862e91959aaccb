import QtQuick
import "."

// A box to sign in with a finger. Strokes are lists of [x, y, ms since the first touch]
// in the pad's own units (its width × height); `ink` is their total length so far, the
// measure customer_flows.card_session.ink uses to tell a signature from a stray touch.
Rectangle {
    id: root
    property var strokes: []
    property real ink: 0
    signal drawn()  // a stroke was finished

    function clear() {
        strokes = []; canvas.current = null; canvas.started = 0; ink = 0
        canvas.requestPaint()
    }

    radius: Theme.radius; color: Theme.card
    border { width: 4; color: Theme.blue }

    Text {
        visible: root.strokes.length === 0
        anchors.centerIn: parent
        width: parent.width - 80
        horizontalAlignment: Text.AlignHCenter
        text: qsTr("Sign here with your finger")
        color: "#8693A6"
        wrapMode: Text.Wrap
        font { family: Theme.font; pixelSize: Theme.heading }
    }
    Rectangle { x: 60; width: parent.width - 120; y: parent.height - 110; height: 3; color: Theme.line }
    Canvas {
        id: canvas
        anchors.fill: parent
        property var current: null
        property double started: 0  // ms: points carry their time since the first touch
        function point(m) {
            if (started === 0) started = Date.now()
            var p = [m.x, m.y, Date.now() - started]
            if (current && current.length > 0) {
                var q = current[current.length - 1]
                root.ink += Math.sqrt((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]))
            }
            return p
        }
        onPaint: {
            var g = getContext("2d")
            g.clearRect(0, 0, width, height)
            g.strokeStyle = Theme.navy
            g.lineWidth = 7; g.lineCap = "round"; g.lineJoin = "round"
            var all = current ? root.strokes.concat([current]) : root.strokes
            for (var i = 0; i < all.length; ++i) {
                var s = all[i]
                g.beginPath()
                g.moveTo(s[0][0], s[0][1])
                for (var j = 1; j < s.length; ++j) g.lineTo(s[j][0], s[j][1])
                if (s.length === 1) g.lineTo(s[0][0] + 0.5, s[0][1])
                g.stroke()
            }
        }
        MouseArea {
            anchors.fill: parent
            preventStealing: true
            onPressed: (m) => { canvas.current = [canvas.point(m)]; canvas.requestPaint() }
            onPositionChanged: (m) => { if (canvas.current) { canvas.current.push(canvas.point(m)); canvas.requestPaint() } }
            onReleased: {
                if (canvas.current) {
                    root.strokes = root.strokes.concat([canvas.current]); canvas.current = null
                    root.drawn()
                }
                canvas.requestPaint()
            }
        }
    }
}
