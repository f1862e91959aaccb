import QtQuick
import ".."

// Digits 0–9, delete and an action key (OK). Emits the key; the view-model keeps the value.
Grid {
    id: root
    property int keyWidth: 260
    property int keyHeight: 150
    property string prefix: "key"        // objectNames: key_1 … key_0, key_back, key_ok
    property string okText: qsTr("OK")
    property bool okEnabled: true
    signal digit(string d)
    signal back()
    signal ok()

    columns: 3
    spacing: 20
    opacity: enabled ? 1.0 : 0.5     // locked: plainly not for typing

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "back", "0", "ok"]
        Rectangle {
            objectName: root.prefix + "_" + modelData
            width: root.keyWidth; height: root.keyHeight
            radius: 20
            readonly property bool isOk: modelData === "ok"
            readonly property bool live: root.enabled && (!isOk || root.okEnabled)
            color: !live ? Theme.disabledBg
                         : isOk ? (pad.pressed ? Theme.bluePressed : Theme.blue)
                                : (pad.pressed ? Theme.disabledBg : Theme.card)
            border { width: isOk ? 0 : 2; color: Theme.line }
            Text {
                anchors.centerIn: parent
                text: modelData === "back" ? "⌫" : modelData === "ok" ? root.okText : modelData
                color: parent.isOk && parent.live ? Theme.onDark : (parent.live ? Theme.ink : Theme.disabledInk)
                font { family: Theme.font; pixelSize: modelData.length === 1 ? root.keyHeight * 0.45 : 40; weight: Font.Bold }
            }
            MouseArea {
                id: pad
                anchors.fill: parent
                enabled: parent.live
                onClicked: modelData === "back" ? root.back() : modelData === "ok" ? root.ok() : root.digit(modelData)
            }
        }
    }
}
