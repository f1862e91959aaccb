import QtQuick

// A stand-in flow page for the registry tests: shows its view-model's text and finishes.
Item {
    objectName: "testFlowPage"
    property QtObject flow
    Text { objectName: "testFlowText"; text: flow ? flow.greeting : ""; font.pixelSize: 60; y: 200 }
    Rectangle {
        objectName: "testFlowDone"
        width: 400; height: 200; y: 600; color: "green"
        MouseArea { anchors.fill: parent; onClicked: flow.done() }
    }
}
